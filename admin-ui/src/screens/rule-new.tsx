/** Create a rule: a name (a JavaScript identifier), a description, its flags and a starting script. */
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { navigate } from '../router.tsx';
import type { Rule } from '../types.ts';

const starter = (name: string, clientCallable: boolean) =>
  clientCallable
    ? `// ${name}: runs for a call. The call's sysparm_* parameters are globals; GlideRecord reads records.\n// Return (or set \`answer\` to) the URL of the screen to pop.\nfunction ${name}() {\n  return '/incident.do?sys_id=-1';\n}\n`
    : `// ${name}: called from another rule as ${name}(input); it may write records.\nfunction ${name}(input) {\n  return null;\n}\n`;

export function NewRuleScreen() {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [clientCallable, setClientCallable] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const validName = /^[A-Za-z_$][\w$]*$/.test(name);

  async function create(event: Event) {
    event.preventDefault();
    setSaving(true);
    try {
      const rule = await api<Rule>('POST', '/api/rules', {
        name,
        description,
        clientCallable,
        active: true,
        script: starter(name, clientCallable),
      });
      navigate(`/admin/rules/${encodeURIComponent(rule.name)}`);
    } catch (reason) {
      setError(reason);
      setSaving(false);
    }
  }

  return (
    <section class="narrow">
      <p class="crumbs">
        <a href="/admin/rules">Rules</a> /
      </p>
      <h1>New rule</h1>
      <form class="stack" onSubmit={(event) => void create(event)}>
        <label>
          Name
          <input
            name="name"
            required
            pattern="[A-Za-z_$][A-Za-z0-9_$]*"
            value={name}
            onInput={(event) => setName(event.currentTarget.value)}
            aria-invalid={name !== '' && !validName}
          />
          <span class="muted small">
            A JavaScript identifier, such as <code>VipRouting</code>.
          </span>
        </label>
        <label>
          Description
          <input
            name="description"
            value={description}
            onInput={(event) => setDescription(event.currentTarget.value)}
          />
        </label>
        <label class="inline">
          <input
            type="checkbox"
            name="clientCallable"
            checked={clientCallable}
            onChange={(event) => setClientCallable(event.currentTarget.checked)}
          />
          Client-callable (runs for calls to <code>/cti.do</code>; otherwise a function other rules call)
        </label>
        <ErrorBox error={error} title="The rule was not created" />
        <div class="actions">
          <button type="submit" class="primary" disabled={saving || !validName}>
            {saving ? 'Creating…' : 'Create and edit'}
          </button>
          <a href="/admin/rules">Cancel</a>
        </div>
      </form>
    </section>
  );
}
