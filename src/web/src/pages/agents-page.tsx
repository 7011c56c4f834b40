import type { AgentListResponse } from '../api/api-types';
import { ErrorNote, Loading, PageHeader } from '../components/notes';
import { agentColor } from '../format';
import { useApi } from '../hooks/use-api';
import { hrefOf, navigate } from '../router';
import { useSession } from '../session';

const SOURCE_TITLES = {
  builtin: 'built into AgentMesh',
  file: 'defined in agentmesh.yaml',
  api: 'defined or changed over the API',
};

/** Every agent in force: where it is defined, whether it is active, its model and teams. */
export function AgentsPage() {
  const { canAdmin } = useSession();
  const agents = useApi<AgentListResponse>('/api/agents');
  return (
    <section>
      <PageHeader
        title="Agents"
        sub="Built-in agents, agentmesh.yaml and the API's changes layered on top. Changes apply to runs started afterwards."
        actions={
          canAdmin ? (
            <a className="button button-primary" href={hrefOf({ page: 'new-agent' })}>
              New agent
            </a>
          ) : null
        }
      />
      <ErrorNote error={agents.error} />
      {!agents.data ? (
        <Loading what="Loading agents" />
      ) : (
        <div className="table-wrap card">
          <table className="table">
            <thead>
              <tr>
                <th>Agent</th>
                <th>Source</th>
                <th>Status</th>
                <th>Model</th>
                <th>Tools</th>
                <th>Teams</th>
              </tr>
            </thead>
            <tbody>
              {agents.data.agents.map((agent) => (
                <tr
                  key={agent.config.id}
                  className="row-link"
                  onClick={() => navigate({ page: 'agent', agentId: agent.config.id })}
                >
                  <td>
                    <a
                      className="agent-name"
                      href={hrefOf({ page: 'agent', agentId: agent.config.id })}
                      onClick={(event) => event.stopPropagation()}
                    >
                      <span className="agent-dot" style={{ background: agentColor(agent.config.id) }} />
                      {agent.config.id}
                    </a>
                    {agent.config.role !== agent.config.id ? (
                      <span className="muted"> · {agent.config.role}</span>
                    ) : null}
                    {agent.config.approval ? <span className="tag tag-amber">approval</span> : null}
                  </td>
                  <td>
                    <span className={`tag tag-source-${agent.source}`} title={SOURCE_TITLES[agent.source]}>
                      {agent.source}
                    </span>
                    {agent.version > 0 ? <span className="muted"> v{agent.version}</span> : null}
                  </td>
                  <td>
                    {agent.active ? (
                      <span className="tag tag-green">active</span>
                    ) : (
                      <span className="tag tag-grey">inactive</span>
                    )}
                  </td>
                  <td className="mono">{agent.config.model}</td>
                  <td className="mono small">
                    {agent.config.tools.length > 0 ? (
                      agent.config.tools.join(', ')
                    ) : (
                      <span className="muted">–</span>
                    )}
                  </td>
                  <td>
                    {agent.teams.length > 0 ? agent.teams.join(', ') : <span className="muted">–</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
