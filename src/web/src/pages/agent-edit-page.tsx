import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import type { AgentView } from '../api/api-types';
import { ApiError, api, messageOf } from '../api/client';
import { ErrorNote, Loading, PageHeader } from '../components/notes';
import { useApi } from '../hooks/use-api';
import { navigate } from '../router';
import { useSession } from '../session';
import { type AgentFormValues, bodyOf, EMPTY_FORM, formFieldOf, formOf } from './agent-form';

/** Edits an agent (PUT with `expectedVersion`), or defines a new one (`agentId` null); admin only. */
export function AgentEditPage({ agentId }: { agentId: string | null }) {
  const { canAdmin } = useSession();
  const loaded = useApi<AgentView>(agentId === null ? null : `/api/agents/${encodeURIComponent(agentId)}`);
  const [view, setView] = useState<AgentView | null>(null);
  const [values, setValues] = useState<AgentFormValues>(EMPTY_FORM);
  const [fieldError, setFieldError] = useState<{ field: string; message: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (loaded.data) {
      setView(loaded.data);
      setValues(formOf(loaded.data));
    }
  }, [loaded.data]);

  const set = (name: keyof AgentFormValues) => (event: { target: { value: string } }) =>
    setValues((before) => ({ ...before, [name]: event.target.value }));

  async function write(run: () => Promise<AgentView>, note: string) {
    setBusy(true);
    setError(null);
    setFieldError(null);
    setSaved(null);
    try {
      const next = await run();
      setView(next);
      setValues(formOf(next));
      setSaved(note.replace('{version}', String(next.version)));
      return next;
    } catch (caught) {
      const field = caught instanceof ApiError ? formFieldOf(caught.field) : null;
      if (field) setFieldError({ field, message: caught instanceof Error ? caught.message : String(caught) });
      else if (caught instanceof ApiError && caught.code === 'agent_exists' && view) {
        setError(
          `${caught.message} Someone changed this agent meanwhile: reload the page to see their version.`,
        );
      } else setError(messageOf(caught));
      return null;
    } finally {
      setBusy(false);
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (view === null) {
      const created = await write(
        () => api<AgentView>('/api/agents', { body: bodyOf(values, null) }),
        'Created.',
      );
      if (created) navigate({ page: 'agent', agentId: created.config.id });
      return;
    }
    await write(
      () =>
        api<AgentView>(`/api/agents/${encodeURIComponent(view.config.id)}`, {
          method: 'PUT',
          body: bodyOf(values, view),
        }),
      'Saved (version {version}). Runs started from now on use it.',
    );
  }

  async function setActive(active: boolean) {
    if (!view) return;
    await write(
      () =>
        api<AgentView>(
          `/api/agents/${encodeURIComponent(view.config.id)}/${active ? 'activate' : 'deactivate'}`,
          { method: 'POST' },
        ),
      active ? 'Activated.' : 'Deactivated: runs that need this agent are refused until it is activated.',
    );
  }

  if (agentId !== null && !view) {
    return (
      <section>
        <PageHeader title={`Agent ${agentId}`} />
        {loaded.error ? <ErrorNote error={loaded.error} /> : <Loading what="Loading agent" />}
      </section>
    );
  }

  const errorFor = (field: string) => (fieldError?.field === field ? fieldError.message : null);
  return (
    <section>
      <PageHeader
        title={view ? `Agent ${view.config.id}` : 'New agent'}
        sub={
          view ? (
            <>
              <span className={`tag tag-source-${view.source}`}>{view.source}</span>{' '}
              {view.active ? (
                <span className="tag tag-green">active</span>
              ) : (
                <span className="tag tag-grey">inactive</span>
              )}{' '}
              {view.version > 0 ? `API version ${view.version} · ` : ''}
              {view.teams.length > 0 ? `in teams ${view.teams.join(', ')}` : 'in no team'}
            </>
          ) : (
            'Defined over the API, validated like agentmesh.yaml.'
          )
        }
        actions={
          view && canAdmin ? (
            <button
              type="button"
              className={view.active ? 'button button-danger' : 'button'}
              disabled={busy}
              onClick={() => setActive(!view.active)}
            >
              {view.active ? 'Deactivate' : 'Activate'}
            </button>
          ) : null
        }
      />
      {!canAdmin ? (
        <p className="note note-info">Only an admin may change agents; this form is read-only.</p>
      ) : null}
      <form className="card agent-form" onSubmit={submit} aria-label="Agent">
        <fieldset disabled={!canAdmin || busy}>
          {view === null ? (
            <div className="form-row">
              <Field label="Id" error={errorFor('id')} hint="Letters, digits, - and _.">
                <input name="id" value={values.id} onChange={set('id')} required />
              </Field>
              <Field
                label="Role (optional)"
                error={errorFor('role')}
                hint="A built-in role to start from, e.g. coder."
              >
                <input name="role" value={values.role} onChange={set('role')} />
              </Field>
            </div>
          ) : null}
          <Field label="System prompt" error={errorFor('systemPrompt')}>
            <textarea
              name="systemPrompt"
              className="mono"
              rows={10}
              value={values.systemPrompt}
              onChange={set('systemPrompt')}
            />
          </Field>
          <div className="form-row">
            <Field label="Model" error={errorFor('model')} hint="provider:model, e.g. openai:gpt-4o-mini">
              <input name="model" className="mono" value={values.model} onChange={set('model')} />
            </Field>
            <Field label="Temperature" error={errorFor('temperature')} hint="0 to 2">
              <input
                name="temperature"
                inputMode="decimal"
                value={values.temperature}
                onChange={set('temperature')}
              />
            </Field>
            <Field label="Max tokens" error={errorFor('maxTokens')}>
              <input
                name="maxTokens"
                inputMode="numeric"
                value={values.maxTokens}
                onChange={set('maxTokens')}
              />
            </Field>
          </div>
          <Field
            label="Tools"
            error={errorFor('tools')}
            hint="Comma-separated: read_file, http_get, mcp:server, …"
          >
            <input name="tools" className="mono" value={values.tools} onChange={set('tools')} />
          </Field>
          <label className="checkbox">
            <input
              type="checkbox"
              name="approval"
              checked={values.approval}
              onChange={(event) => setValues((before) => ({ ...before, approval: event.target.checked }))}
            />
            Every output waits for a human approval
            {errorFor('approval') ? <span className="field-error">{errorFor('approval')}</span> : null}
          </label>
          <ErrorNote error={error} />
          {saved ? <p className="note note-success">{saved}</p> : null}
          {canAdmin ? (
            <div className="form-actions">
              <button type="submit" className="button button-primary">
                {busy ? 'Saving…' : view ? 'Save changes' : 'Create agent'}
              </button>
              <a className="button" href="#/agents">
                Back to agents
              </a>
            </div>
          ) : null}
        </fieldset>
      </form>
    </section>
  );
}

function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error: string | null;
  hint?: string;
  children: ReactNode;
}) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is passed in as children.
    <label className={error ? 'field field-invalid' : 'field'}>
      <span className="field-label">{label}</span>
      {children}
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : hint ? (
        <span className="field-hint">{hint}</span>
      ) : null}
    </label>
  );
}
