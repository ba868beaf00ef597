import { useLayoutEffect } from 'preact/hooks';
import { CODE_HELP } from '../troubleshooting-codes';

/** Every error code, with what it means and what to do; `#/troubleshooting/<CODE>` jumps there. */
export function TroubleshootingPage(props: { code?: string }) {
  // Before paint, so the code the refusal linked is focused as soon as it shows (a screen
  // reader user lands on it; keyboard use goes on from there).
  useLayoutEffect(() => {
    if (props.code) document.getElementById(`code-${props.code}`)?.focus();
  }, [props.code]);
  return (
    <section>
      <h1>Troubleshooting</h1>
      <p>Every refusal of the API carries one of these codes (problem+json, member “code”).</p>
      <dl class="codes">
        {CODE_HELP.map((help) => (
          <div
            key={help.code}
            class={help.code === props.code ? 'code current' : 'code'}
            id={`code-${help.code}`}
            tabIndex={-1}
          >
            <dt>
              <strong>{help.title}</strong> <code>{help.code}</code>{' '}
              <small>HTTP {help.status}</small>
            </dt>
            <dd>
              <p>{help.what}</p>
              <p>
                <strong>What to do:</strong> {help.todo}
              </p>
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
