"""The example worker: prints a line every few seconds until stopped."""
import os
import time

while True:
    print(f"worker {os.getpid()} tick", flush=True)
    time.sleep(3)
