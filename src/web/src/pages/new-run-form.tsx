import { type FormEvent, useState } from 'react';
import type { RunStartedResponse, StartRunBody, TeamListResponse } from '../api/api-types';
import { ApiError, api, messageOf } from '../api/client';
import { useApi } from '../hooks/use-api';
import { navigate } from '../router';

/** Team, task and an optional cost cap → `POST /api/runs`, then the new run's page. */
export function NewRunForm({ onClose }: { onClose(): void }) {
  const teams = useApi<TeamListResponse>('/api/teams');
  const [team, setTeam] = useState('');
  const [task, setTask] = useState('');
  const [maxCost, setMaxCost] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const chosenTeam = team || teams.data?.defaultTeam || '';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body: StartRunBody = { task };
    if (chosenTeam) body.team = chosenTeam;
    if (maxCost.trim() !== '') body.maxCostUsd = Number(maxCost);
    try {
      const started = await api<RunStartedResponse>('/api/runs', { body });
      navigate({ page: 'run', runId: started.runId });
    } catch (caught) {
      setError({
        message: messageOf(caught),
        ...(caught instanceof ApiError && caught.field && { field: caught.field }),
      });
      setBusy(false);
    }
  }

  const fieldError = (field: string) =>
    error?.field === field ? <span className="field-error">{error.message}</span> : null;

  return (
    <form className="card new-run" onSubmit={submit} aria-label="New run">
      <div className="card-head">
        <h2>New run</h2>
        <button type="button" className="link-button" onClick={onClose}>
          Close
        </button>
      </div>
      <div className="form-row">
        <label className="field field-narrow">
          <span className="field-label">Team</span>
          <select name="team" value={chosenTeam} onChange={(event) => setTeam(event.target.value)}>
            {(teams.data?.teams ?? []).map((view) => (
              <option key={view.config.id} value={view.config.id} disabled={view.inactiveAgents.length > 0}>
                {view.config.id} · {view.config.pattern}
                {view.config.id === teams.data?.defaultTeam ? ' (default)' : ''}
                {view.inactiveAgents.length > 0 ? ' (inactive agents)' : ''}
              </option>
            ))}
          </select>
          {fieldError('team')}
        </label>
        <label className="field field-narrow">
          <span className="field-label">Max cost (USD, optional)</span>
          <input
            name="maxCostUsd"
            type="number"
            min="0"
            step="any"
            placeholder="no cap"
            value={maxCost}
            onChange={(event) => setMaxCost(event.target.value)}
          />
          {fieldError('maxCostUsd')}
        </label>
      </div>
      <label className="field">
        <span className="field-label">Task</span>
        <textarea
          name="task"
          rows={4}
          placeholder="What should the team do?"
          value={task}
          onChange={(event) => setTask(event.target.value)}
          required
        />
        {fieldError('task')}
      </label>
      {error && !error.field ? <p className="note note-error">{error.message}</p> : null}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy || task.trim() === ''}>
          {busy ? 'Starting…' : 'Start run'}
        </button>
      </div>
    </form>
  );
}
