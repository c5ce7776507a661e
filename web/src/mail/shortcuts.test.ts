import { describe, expect, it } from 'vitest';
import { BUTTON_KEYS, SHORTCUTS, shortcutTarget } from './shortcuts';

/** A stand-in for the DOM: elements with a `closest` answer and a querySelector over buttons. */
function target(typing: boolean) {
  return { closest: () => (typing ? {} : null) } as unknown as EventTarget;
}
function root(buttons: Record<string, { disabled?: boolean }>) {
  return {
    querySelector: (selector: string) => {
      const key = /data-shortcut="((?:\\.|[^"])*)"/.exec(selector)?.[1]?.replace(/\\(.)/g, '$1') ?? '';
      const button = buttons[key];
      return button && !button.disabled ? ({ key } as unknown as HTMLElement) : null;
    },
  } as unknown as ParentNode;
}
const press = (key: string, extra: Partial<KeyboardEvent> = {}, typing = false) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  target: target(typing),
  ...extra,
});

describe('shortcutTarget', () => {
  it('presses the button marked with the key, including keys that need escaping', () => {
    const buttons = root({ c: {}, '#': {}, '?': {}, '/': {} });
    for (const key of ['c', '#', '?', '/']) expect(shortcutTarget(press(key), buttons)).toEqual({ key });
  });

  it('does nothing while typing, with a modifier, for a disabled button or an unknown key', () => {
    const buttons = root({ r: {}, s: { disabled: true } });
    expect(shortcutTarget(press('r', {}, true), buttons)).toBeNull();
    expect(shortcutTarget(press('r', { ctrlKey: true }), buttons)).toBeNull();
    expect(shortcutTarget(press('s'), buttons)).toBeNull();
    expect(shortcutTarget(press('z'), buttons)).toBeNull();
  });

  it('lists every button key in the help', () => {
    const listed = new Set(SHORTCUTS.map((s) => s.key));
    for (const key of BUTTON_KEYS) expect(listed.has(key), key).toBe(true);
  });
});
