import { describe, expect, it } from 'vitest';
import type { CodeBundle } from '../code/bundle.js';
import { missingDependencyFile } from './dependency-manifest.js';

function bundleOf(files: Record<string, string>): CodeBundle {
  return new Map(
    Object.entries(files).map(([path, content]) => [path, { path, content, language: 'text', stepId: 's' }]),
  );
}

describe('missingDependencyFile', () => {
  it('lists third-party Python imports in requirements.txt, not the standard library or local modules', () => {
    const bundle = bundleOf({
      'app/main.py':
        'import os, json\nimport requests\nfrom yaml import safe_load\nfrom app import helpers\n',
      'app/helpers.py': 'import collections.abc\n',
      'test_main.py': 'import pytest\nfrom app.main import run\nimport helpers\n',
    });
    expect(missingDependencyFile(bundle)).toEqual({
      path: 'requirements.txt',
      content: 'PyYAML\npytest\nrequests\n',
    });
  });

  it('writes nothing for standard-library code, or when the agents wrote a manifest', () => {
    expect(
      missingDependencyFile(bundleOf({ 'a.py': 'import re\n', 'test_a.py': 'import unittest\nimport a\n' })),
    ).toBeNull();
    expect(
      missingDependencyFile(bundleOf({ 'a.py': 'import numpy\n', 'requirements.txt': 'numpy\n' })),
    ).toBeNull();
  });

  it('writes a package.json for imported npm packages, ignoring relative and node: imports', () => {
    const bundle = bundleOf({
      'src/app.ts':
        "import express from 'express';\nimport { x } from './x.js';\nimport fs from 'node:fs';\nimport path from 'path';\n",
      'src/app.test.ts': "import test from 'node:test';\nconst z = require('@scope/pkg/sub');\n",
    });
    const manifest = missingDependencyFile(bundle);
    expect(manifest?.path).toBe('package.json');
    expect(JSON.parse(manifest!.content).dependencies).toEqual({ '@scope/pkg': '*', express: '*' });
  });
});
