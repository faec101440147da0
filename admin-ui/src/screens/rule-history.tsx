/**
 * A rule's versions, newest first: pick any two to compare side by side (Monaco's diff editor),
 * and revert to any older one (which saves it again as a new version; nothing is lost).
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { Time } from '../components/time.tsx';
import { DiffView } from '../monaco/diff-view.tsx';
import type { Rule, RuleVersion } from '../types.ts';

export function RuleHistoryScreen({ name }: { name: string }) {
  const path = `/api/rules/${encodeURIComponent(name)}`;
  const [versions, setVersions] = useState<RuleVersion[] | null>(null);
  const [left, setLeft] = useState<number | null>(null);
  const [right, setRight] = useState<number | null>(null);
  const [scripts, setScripts] = useState<Map<number, string>>(new Map());
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    api<{ versions: RuleVersion[] }>('GET', `${path}/versions`).then((answer) => {
      const list = [...answer.versions].sort((a, b) => b.version - a.version);
      setVersions(list);
      setRight(list[0]?.version ?? null);
      setLeft(list[1]?.version ?? list[0]?.version ?? null);
    }, setError);
  }, [name, reload]);

  useEffect(() => {
    for (const version of [left, right]) {
      if (version === null || scripts.has(version)) continue;
      api<RuleVersion>('GET', `${path}/versions/${version}`).then(
        (found) => setScripts((known) => new Map(known).set(version, found.script ?? '')),
        setError,
      );
    }
  }, [left, right]);

  async function revert(version: number) {
    if (!window.confirm(`Save version ${version} of ${name} again as its newest version?`)) return;
    try {
      const saved = await api<Rule>('POST', `${path}/revert`, { version });
      setNotice(`Reverted: version ${version} is now saved as version ${saved.version}.`);
      setError(null);
      setReload((n) => n + 1);
    } catch (reason) {
      setError(reason);
    }
  }

  const leftText = left === null ? undefined : scripts.get(left);
  const rightText = right === null ? undefined : scripts.get(right);
  const newest = versions?.[0]?.version;

  return (
    <section class="history">
      <p class="crumbs">
        <a href="/admin/rules">Rules</a> / <a href={`/admin/rules/${encodeURIComponent(name)}`}>{name}</a> /
      </p>
      <h1>History of {name}</h1>
      {notice && (
        <div class="notice ok" role="status">
          {notice}
        </div>
      )}
      <ErrorBox error={error} />
      {versions === null ? (
        <p class="muted loading">Loading versions…</p>
      ) : (
        <>
          <table class="list versions">
            <thead>
              <tr>
                <th title="left side of the comparison">Left</th>
                <th title="right side of the comparison">Right</th>
                <th>Version</th>
                <th>Saved</th>
                <th>Description</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => (
                <tr key={v.version} data-version={v.version}>
                  <td>
                    <input
                      type="radio"
                      name="left"
                      aria-label={`compare from version ${v.version}`}
                      checked={left === v.version}
                      onChange={() => setLeft(v.version)}
                    />
                  </td>
                  <td>
                    <input
                      type="radio"
                      name="right"
                      aria-label={`compare to version ${v.version}`}
                      checked={right === v.version}
                      onChange={() => setRight(v.version)}
                    />
                  </td>
                  <td>
                    v{v.version}
                    {v.version === newest && <span class="badge on">current</span>}
                  </td>
                  <td>
                    <Time iso={v.createdAt} /> <span class="muted">by {v.createdBy}</span>
                  </td>
                  <td class="muted">{v.description}</td>
                  <td>
                    {v.version !== newest && (
                      <button type="button" onClick={() => void revert(v.version)}>
                        Revert to v{v.version}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {left !== null && right !== null && leftText !== undefined && rightText !== undefined ? (
            <DiffView
              original={leftText}
              modified={rightText}
              originalLabel={`version ${left}`}
              modifiedLabel={`version ${right}`}
            />
          ) : (
            <p class="muted loading">Loading the difference…</p>
          )}
        </>
      )}
    </section>
  );
}
