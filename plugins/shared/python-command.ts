// Which processes run Python: shared by the built-ins that read Python's
// output (import-error-matcher) and install into its environments
// (python-installer). A library of the built-ins, not a plugin.

/** A command that runs Python: an interpreter, a .py file, a venv's bin/, or a well-known Python tool. */
export const PYTHON_COMMAND =
  /(^|[\s/"'=])(python[\d.]*|pytest|py\.test|ipython|jupyter[\w-]*|gunicorn|uvicorn|hypercorn|daphne|celery|flask|django-admin|streamlit|poetry|uv|pipenv|conda|mamba|micromamba)(\s|$|["'])|\.py(\s|$|["'])|(^|[\s/"'])\.?venv\/bin\//;

/** A command as one line of text, argv or shell string alike. */
export const commandText = (c: string | string[]) => (Array.isArray(c) ? c.join(' ') : c);

/** Whether `command` runs Python. */
export const isPythonCommand = (command: string | string[]) => PYTHON_COMMAND.test(commandText(command));
