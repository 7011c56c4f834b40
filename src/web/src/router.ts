import { useEffect, useState } from 'react';

/** A dashboard page as the hash names it. */
export type Route =
  | { page: 'runs' }
  | { page: 'run'; runId: string }
  | { page: 'usage' }
  | { page: 'agents' }
  | { page: 'agent'; agentId: string }
  | { page: 'new-agent' }
  | { page: 'teams' };

/** The route of a location hash (`#/runs/abc`); anything unknown is the runs list. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second] = parts;
  if (first === 'runs' && second) return { page: 'run', runId: second };
  if (first === 'usage') return { page: 'usage' };
  if (first === 'agents' && second === 'new') return { page: 'new-agent' };
  if (first === 'agents' && second) return { page: 'agent', agentId: second };
  if (first === 'agents') return { page: 'agents' };
  if (first === 'teams') return { page: 'teams' };
  return { page: 'runs' };
}

/** The hash link of a route. */
export function hrefOf(route: Route): string {
  switch (route.page) {
    case 'run':
      return `#/runs/${encodeURIComponent(route.runId)}`;
    case 'agent':
      return `#/agents/${encodeURIComponent(route.agentId)}`;
    case 'new-agent':
      return '#/agents/new';
    default:
      return `#/${route.page}`;
  }
}

/** Goes to a route (adds a history entry). */
export function navigate(route: Route): void {
  window.location.hash = hrefOf(route);
}

/** The current route, updated on every hash change. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
