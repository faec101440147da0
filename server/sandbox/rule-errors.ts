/**
 * Turns what a run threw into the error a rule author reads: the rule's own line and column
 * (`rule CTIProcessing line 3:7: ReferenceError: x is not defined`) and a stack of rule frames only.
 * The error isolated-vm hands the host also carries host frames after `<isolated-vm boundary>`;
 * nothing but the rule's frames is kept, so no host path or node internal ever reaches a caller.
 */
import { type SandboxError, sandboxError } from './errors.ts';

const MAX_MESSAGE = 500;
const MAX_FRAMES = 10;

/** The file name a rule's script is compiled under: its name when that is a plain identifier. */
export const ruleFileName = (name: string): string => (/^[A-Za-z_$][\w$]{0,127}$/.test(name) ? name : 'rule');

const clip = (text: string) => (text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text);
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export type RulePosition = { line: number; column: number };

/** The frames of `stack` that are in the rule's own file, with the first one's position. */
export function ruleFrames(stack: string, file: string): { frames: string[]; position: RulePosition | null } {
  const frame = new RegExp(`^\\s*at (?:.*\\()?${escapeRegExp(file)}:(\\d+):(\\d+)\\)?$`);
  const frames: string[] = [];
  let position: RulePosition | null = null;
  for (const line of stack.split('\n')) {
    const match = frame.exec(line);
    if (!match) continue;
    position ??= { line: Number(match[1]), column: Number(match[2]) };
    if (frames.length < MAX_FRAMES) frames.push(line.trim());
  }
  return { frames, position };
}

/** V8's syntax errors come back from isolated-vm as `Unexpected token '=' [file:1:5]`. */
export function syntaxPosition(
  message: string,
  file: string,
): { message: string; position: RulePosition | null } {
  const match = new RegExp(` \\[${escapeRegExp(file)}:(\\d+):(\\d+)\\]$`).exec(message);
  if (!match) return { message, position: null };
  return {
    message: message.slice(0, match.index),
    position: { line: Number(match[1]), column: Number(match[2]) },
  };
}

/**
 * isolated-vm keeps the name of the five standard error types only, and the runtime rethrows what a
 * rule's function threw as a plain Error; the first line of the stack still names the original.
 */
function errorName(name: string, message: string, stack: string): string {
  const shown = /^([A-Za-z_$][\w$]{0,63}): /.exec(stack);
  if (name === 'Error' && shown?.[1] && stack.slice(shown[0].length).startsWith(message.split('\n')[0] ?? ''))
    return shown[1];
  return /^[\w$]{1,64}$/.test(name) ? name : 'Error';
}

function describeThrown(thrown: unknown): { name: string; message: string; stack: string } {
  if (thrown instanceof Error) {
    const message = String(thrown.message);
    const stack = typeof thrown.stack === 'string' ? thrown.stack : '';
    return {
      name: errorName(thrown.name, message, stack),
      // isolated-vm's own wording names itself; say what happened instead.
      message: message.startsWith('An object was thrown from supplied code within isolated-vm')
        ? 'an object that is not an Error was thrown'
        : message,
      stack,
    };
  }
  const shown = typeof thrown === 'string' ? thrown : String(thrown);
  return { name: 'Uncaught', message: shown, stack: '' };
}

/** RULE_ERROR for anything a rule threw (or a syntax error), placed at the rule's own line. */
export function ruleError(ruleName: string, thrown: unknown): SandboxError {
  const file = ruleFileName(ruleName);
  const described = describeThrown(thrown);
  const syntax = described.name === 'SyntaxError' ? syntaxPosition(described.message, file) : null;
  const { frames, position: framePosition } = ruleFrames(described.stack, file);
  const position = syntax?.position ?? framePosition;
  const text = clip(`${described.name}: ${syntax?.message ?? described.message}`);
  const where = position ? ` line ${position.line}:${position.column}` : '';
  return sandboxError('RULE_ERROR', `rule ${ruleName}${where}: ${text}`, {
    ...(position ?? {}),
    ...(frames.length ? { stack: frames } : {}),
  });
}
