import type { TeamListResponse, TeamView } from '../api/api-types';
import { MermaidGraph } from '../components/mermaid-graph';
import { ErrorNote, Loading, PageHeader } from '../components/notes';
import { agentColor } from '../format';
import { useApi } from '../hooks/use-api';
import { hrefOf } from '../router';

/** Every team: its pattern, agents, approvals and its graph. */
export function TeamsPage() {
  const teams = useApi<TeamListResponse>('/api/teams');
  return (
    <section>
      <PageHeader
        title="Teams"
        sub="Teams from agentmesh.yaml and the built-in ones, with how their agents hand work on."
      />
      <ErrorNote error={teams.error} />
      {!teams.data ? (
        <Loading what="Loading teams" />
      ) : (
        <div className="team-grid">
          {defaultFirst(teams.data).map(({ config, mermaid, inactiveAgents }) => (
            <article className="card team" key={config.id} data-team={config.id}>
              <div className="card-head">
                <h2>
                  {config.id}
                  {config.id === teams.data?.defaultTeam ? (
                    <span className="tag tag-blue">default</span>
                  ) : null}
                </h2>
                <span className="tag">{config.pattern}</span>
              </div>
              {config.description ? <p className="muted">{config.description}</p> : null}
              <ul className="chips">
                {config.agents.map((agentId) => (
                  <li key={agentId}>
                    <a className="chip" href={hrefOf({ page: 'agent', agentId })}>
                      <span className="agent-dot" style={{ background: agentColor(agentId) }} />
                      {agentId}
                      {config.approval.includes(agentId) ? <span className="chip-note">approval</span> : null}
                      {inactiveAgents.includes(agentId) ? (
                        <span className="chip-note chip-warn">inactive</span>
                      ) : null}
                    </a>
                  </li>
                ))}
              </ul>
              <MermaidGraph source={mermaid} label={`Team ${config.id}`} />
            </article>
          ))}
        </div>
      )}
    </section>
  );
}

/** The default team first, the others in the server's order. */
function defaultFirst(list: TeamListResponse): TeamView[] {
  const first = list.teams.filter((team) => team.config.id === list.defaultTeam);
  return [...first, ...list.teams.filter((team) => team.config.id !== list.defaultTeam)];
}
