import type { CodeBundle } from '../code/bundle.js';

/** Python standard-library modules (sys.stdlib_module_names of CPython 3.11, public names). */
const PYTHON_STDLIB = new Set(
  (
    'abc aifc antigravity argparse array ast asynchat asyncio asyncore atexit audioop base64 bdb binascii ' +
    'bisect builtins bz2 cProfile calendar cgi cgitb chunk cmath cmd code codecs codeop collections ' +
    'colorsys compileall concurrent configparser contextlib contextvars copy copyreg crypt csv ctypes ' +
    'curses dataclasses datetime dbm decimal difflib dis distutils doctest email encodings ensurepip enum ' +
    'errno faulthandler fcntl filecmp fileinput fnmatch fractions ftplib functools gc genericpath getopt ' +
    'getpass gettext glob graphlib grp gzip hashlib heapq hmac html http idlelib imaplib imghdr imp ' +
    'importlib inspect io ipaddress itertools json keyword lib2to3 linecache locale logging lzma mailbox ' +
    'mailcap marshal math mimetypes mmap modulefinder msilib msvcrt multiprocessing netrc nis nntplib nt ' +
    'ntpath nturl2path numbers opcode operator optparse os ossaudiodev pathlib pdb pickle pickletools ' +
    'pipes pkgutil platform plistlib poplib posix posixpath pprint profile pstats pty pwd py_compile ' +
    'pyclbr pydoc pydoc_data pyexpat queue quopri random re readline reprlib resource rlcompleter runpy ' +
    'sched secrets select selectors shelve shlex shutil signal site smtpd smtplib sndhdr socket ' +
    'socketserver spwd sqlite3 sre_compile sre_constants sre_parse ssl stat statistics string stringprep ' +
    'struct subprocess sunau symtable sys sysconfig syslog tabnanny tarfile telnetlib tempfile termios ' +
    'textwrap this threading time timeit tkinter token tokenize tomllib trace traceback tracemalloc tty ' +
    'turtle turtledemo types typing unicodedata unittest urllib uu uuid venv warnings wave weakref ' +
    'webbrowser winreg winsound wsgiref xdrlib xml xmlrpc zipapp zipfile zipimport zlib zoneinfo'
  ).split(' '),
);

/** Files that already declare a bundle's dependencies. */
const PYTHON_MANIFESTS = ['requirements.txt', 'pyproject.toml', 'setup.py', 'setup.cfg', 'Pipfile'];

/** Import names whose package name differs on PyPI. */
const PYPI_NAMES: Record<string, string> = {
  yaml: 'PyYAML',
  bs4: 'beautifulsoup4',
  PIL: 'Pillow',
  sklearn: 'scikit-learn',
  cv2: 'opencv-python',
  dateutil: 'python-dateutil',
};

/**
 * The dependency file a bundle needs and lacks: `requirements.txt` for Python files that import modules
 * that are neither standard library nor files of the bundle, `package.json` for JavaScript/TypeScript
 * files that import packages. Null when nothing is missing. Versions are left open: the agents named none.
 */
export function missingDependencyFile(bundle: CodeBundle): { path: string; content: string } | null {
  const paths = [...bundle.keys()];
  const python = paths.filter((path) => path.endsWith('.py'));
  if (python.length > 0 && !paths.some((path) => PYTHON_MANIFESTS.includes(path))) {
    const local = new Set(
      paths.flatMap((path) => [
        path.split('/')[0]!.replace(/\.py$/, ''),
        path.replace(/\.py$/, '').split('/').at(-1)!,
      ]),
    );
    const needed = new Set<string>();
    for (const path of python) {
      for (const name of pythonImports(bundle.get(path)!.content)) {
        if (!PYTHON_STDLIB.has(name) && !local.has(name)) needed.add(PYPI_NAMES[name] ?? name);
      }
    }
    if (needed.size > 0) return { path: 'requirements.txt', content: `${[...needed].sort().join('\n')}\n` };
  }
  const scripts = paths.filter((path) => /\.(?:[cm]?[jt]sx?)$/.test(path));
  if (scripts.length > 0 && !paths.includes('package.json')) {
    const needed = new Set<string>();
    for (const path of scripts) for (const name of jsPackages(bundle.get(path)!.content)) needed.add(name);
    if (needed.size > 0) {
      const dependencies = Object.fromEntries([...needed].sort().map((name) => [name, '*']));
      const manifest = { private: true, type: 'module', scripts: { test: 'node --test' }, dependencies };
      return { path: 'package.json', content: `${JSON.stringify(manifest, null, 2)}\n` };
    }
  }
  return null;
}

/** Top-level module names of a Python file's absolute imports. */
function pythonImports(source: string): string[] {
  const names: string[] = [];
  for (const match of source.matchAll(
    /^\s*(?:from\s+([A-Za-z_][\w.]*)\s+import\b|import\s+([A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*))/gm,
  )) {
    const modules = match[1] !== undefined ? [match[1]] : (match[2] ?? '').split(',');
    for (const module of modules) names.push(module.trim().split('.')[0]!);
  }
  return names;
}

/** Package names a JavaScript/TypeScript file imports or requires (not relative paths, not `node:` built-ins). */
function jsPackages(source: string): string[] {
  const names: string[] = [];
  for (const match of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g)) {
    const specifier = match[1]!;
    if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) continue;
    if (NODE_BUILTINS.has(specifier.split('/')[0]!)) continue;
    const parts = specifier.split('/');
    names.push(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
  }
  return names;
}

const NODE_BUILTINS = new Set(
  'assert buffer child_process cluster crypto dgram dns events fs http http2 https net os path perf_hooks process querystring readline stream string_decoder timers tls url util v8 vm worker_threads zlib test'.split(
    ' ',
  ),
);
