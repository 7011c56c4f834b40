import { API_KEY_ROLES, type ApiKeyRole } from '../../store/access-store.js';

/** One rule: requests with a method in `methods` and a path matching `path` need `role` (null: open). */
interface PolicyRule {
  methods: readonly string[] | '*';
  path: RegExp;
  role: ApiKeyRole | null;
}

const READ = ['GET', 'HEAD'] as const;
const ID = '[^/]+';

/**
 * The whole access policy, first match wins. Anything no rule names needs admin, so a route added
 * later is closed until someone decides otherwise here.
 */
const POLICY: readonly PolicyRule[] = [
  { methods: READ, path: /^\/health$/, role: null },
  { methods: READ, path: /^\/api\/(keys|audit)(\/.*)?$/, role: 'admin' },
  { methods: READ, path: /^\/(api|v1)(\/.*)?$/, role: 'viewer' },
  { methods: READ, path: /^\/metrics$/, role: 'viewer' },
  { methods: ['POST'], path: /^\/api\/runs$/, role: 'operator' },
  {
    methods: ['POST'],
    path: new RegExp(`^/api/runs/${ID}/(cancel|resume|approve|reject)$`),
    role: 'operator',
  },
  { methods: ['POST'], path: /^\/v1\/chat\/completions$/, role: 'operator' },
  { methods: ['POST'], path: new RegExp(`^/api/alerts/${ID}/(acknowledge|resolve)$`), role: 'operator' },
  // The dashboard's static files hold no data; its pages fetch /api with a key.
  { methods: READ, path: /^\/(?!(api|v1|metrics)(\/|$))/, role: null },
];

/**
 * The role a request needs, from its method and path (`c.req.path`); null when it is open to anyone.
 * Paths are compared case-insensitively with repeated and trailing slashes folded, so a spelling the
 * router might still serve cannot slip past a rule.
 */
export function requiredRole(method: string, path: string): ApiKeyRole | null {
  const verb = method.toUpperCase();
  const normal = normalPath(path);
  const rule = POLICY.find((r) => (r.methods === '*' || r.methods.includes(verb)) && r.path.test(normal));
  return rule ? rule.role : 'admin';
}

/** True when `role` may do what `needed` allows (admin ⊇ operator ⊇ viewer). */
export function roleAllows(role: ApiKeyRole, needed: ApiKeyRole): boolean {
  return API_KEY_ROLES.indexOf(role) >= API_KEY_ROLES.indexOf(needed);
}

function normalPath(path: string): string {
  const folded = path.toLowerCase().replace(/\/{2,}/g, '/');
  return folded.length > 1 ? folded.replace(/\/$/, '') : folded;
}
