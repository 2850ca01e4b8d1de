// A compiled module that cannot load a shared library ("libGL.so.1: cannot
// open shared object file") lacks a system package, not a Python one: pip
// cannot help, the OS package manager can. Found without a regular
// expression, since the hostile case is a 64 KiB line of ".so" repeated.

const CANNOT_OPEN = ': cannot open shared object file';

/** Debian/Ubuntu packages for the libraries Python wheels most often lack (packages.debian.org, bookworm). */
const DEBIAN_PACKAGES: Record<string, string> = {
  'libGL.so.1': 'libgl1',
  'libEGL.so.1': 'libegl1',
  'libgthread-2.0.so.0': 'libglib2.0-0',
  'libglib-2.0.so.0': 'libglib2.0-0',
  'libSM.so.6': 'libsm6',
  'libXext.so.6': 'libxext6',
  'libXrender.so.1': 'libxrender1',
  'libgomp.so.1': 'libgomp1',
  'libpq.so.5': 'libpq5',
  'libsndfile.so.1': 'libsndfile1',
  'libzbar.so.0': 'libzbar0',
  'libmagic.so.1': 'libmagic1',
  'libcairo.so.2': 'libcairo2',
  'libgeos_c.so.1': 'libgeos-c1v5',
  'libaio.so.1': 'libaio1',
  'libnss3.so': 'libnss3',
};

/** The library a message says cannot be opened ("libGL.so.1"), or null. */
export function missingLibrary(message: string): string | null {
  const at = message.indexOf(CANNOT_OPEN);
  if (at <= 0) return null;
  // The token before the colon, after the last space or path separator.
  let from = at;
  while (from > 0 && !' \t/\\:'.includes(message[from - 1])) from--;
  const name = message.slice(from, at);
  return name.includes('.so') ? name : null;
}

/** What to do about a missing shared library, in words. */
export function libraryHint(library: string): string {
  const pkg = DEBIAN_PACKAGES[library];
  const how = pkg ? `on Debian or Ubuntu: apt-get install ${pkg}` : `find it with your OS package manager (Debian: apt-file search ${library})`;
  return `${library} is a system library, not a Python package: ${how}`;
}
