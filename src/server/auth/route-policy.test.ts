import { describe, expect, it } from 'vitest';
import { requiredRole, roleAllows } from './route-policy.js';

describe('requiredRole', () => {
  it.each([
    ['GET', '/health', null],
    ['GET', '/', null],
    ['GET', '/assets/index-3f9a.js', null],
    ['GET', '/runs/run_1', null],
    ['HEAD', '/index.html', null],
    ['GET', '/metrics', 'viewer'],
    ['GET', '/api/runs', 'viewer'],
    ['GET', '/api/runs/run_1/events', 'viewer'],
    ['HEAD', '/api/teams', 'viewer'],
    ['GET', '/api/whoami', 'viewer'],
    ['GET', '/v1/models', 'viewer'],
    ['GET', '/api/keys', 'admin'],
    ['GET', '/api/audit', 'admin'],
    ['POST', '/api/runs', 'operator'],
    ['POST', '/api/runs/run_1/cancel', 'operator'],
    ['POST', '/api/runs/run_1/resume', 'operator'],
    ['POST', '/api/runs/run_1/approve', 'operator'],
    ['POST', '/api/runs/run_1/reject', 'operator'],
    ['POST', '/v1/chat/completions', 'operator'],
    ['POST', '/api/alerts/al_1/acknowledge', 'operator'],
    ['POST', '/api/alerts/al_1/resolve', 'operator'],
    ['POST', '/api/agents', 'admin'],
    ['PUT', '/api/agents/poet', 'admin'],
    ['POST', '/api/agents/poet/deactivate', 'admin'],
    ['POST', '/api/agents/poet/activate', 'admin'],
    ['POST', '/api/keys', 'admin'],
    ['DELETE', '/api/keys/key_1', 'admin'],
    ['DELETE', '/api/runs/run_1', 'admin'],
    ['POST', '/health', 'admin'],
    ['POST', '/', 'admin'],
    ['OPTIONS', '/api/runs', 'admin'],
  ] as const)('%s %s needs %s', (method, path, role) => {
    expect(requiredRole(method, path)).toBe(role);
  });

  it('folds case, repeated and trailing slashes, so no spelling of a path escapes its rule', () => {
    expect(requiredRole('GET', '//api/keys')).toBe('admin');
    expect(requiredRole('GET', '/API/Keys/')).toBe('admin');
    expect(requiredRole('GET', '/Api/runs')).toBe('viewer');
    expect(requiredRole('GET', '/V1/models')).toBe('viewer');
    expect(requiredRole('get', '/metrics/')).toBe('viewer');
    expect(requiredRole('POST', '/api/runs/')).toBe('operator');
    expect(requiredRole('POST', '/api/runs/run_1/cancel/extra')).toBe('admin');
  });
});

describe('roleAllows', () => {
  it('admin may do all, operator what operator and viewer may, viewer only what viewer may', () => {
    expect(roleAllows('admin', 'admin')).toBe(true);
    expect(roleAllows('admin', 'viewer')).toBe(true);
    expect(roleAllows('operator', 'operator')).toBe(true);
    expect(roleAllows('operator', 'admin')).toBe(false);
    expect(roleAllows('viewer', 'viewer')).toBe(true);
    expect(roleAllows('viewer', 'operator')).toBe(false);
  });
});
