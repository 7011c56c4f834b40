import { useEffect, useId, useRef, useState } from 'react';

let mermaidLoad: Promise<typeof import('mermaid')['default']> | undefined;

/** Mermaid, loaded once on first use (a chunk of its own: pages without a graph never fetch it). */
function loadMermaid() {
  mermaidLoad ??= import('mermaid').then(({ default: mermaid }) => {
    const dark = window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
    mermaid.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      theme: dark ? 'dark' : 'neutral',
      fontFamily: 'inherit',
      flowchart: { htmlLabels: false, curve: 'basis' },
    });
    return mermaid;
  });
  return mermaidLoad;
}

/** A Mermaid diagram rendered to SVG; the source text is shown if it does not parse. */
export function MermaidGraph({ source, label }: { source: string; label: string }) {
  const id = `mermaid-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const host = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setFailed(null);
    loadMermaid()
      .then((mermaid) => mermaid.render(id, source))
      .then(({ svg }) => {
        if (live && host.current) host.current.innerHTML = svg;
      })
      .catch((error: unknown) => {
        if (live) setFailed(error instanceof Error ? error.message : String(error));
      });
    return () => {
      live = false;
    };
  }, [id, source]);

  if (failed) {
    return (
      <div className="graph graph-failed">
        <p className="muted">The graph could not be drawn ({failed}); its Mermaid source:</p>
        <pre className="code">{source}</pre>
      </div>
    );
  }
  return <div className="graph" ref={host} role="img" aria-label={label} />;
}
