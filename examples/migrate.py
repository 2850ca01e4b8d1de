"""The example one-shot: does its job, then exits 0 so dependents may start."""
print("migrations applied", flush=True)
