/**
 * Debounce and throttle per (element, event), in front of the connection's send.
 * Throttle is leading + trailing: the first event goes at once, the last one of a
 * window goes when it closes, so a throttled input never loses its final value.
 * Before any immediate event, waiting ones are flushed so the server sees events in
 * the order the user made them.
 */

interface Waiting<E> {
  hid: number;
  ev: E;
}

export interface Timing<E> {
  push(hid: number, name: string, ev: E, debounce: number, throttle: number): void;
  flush(): void;
  clear(): void;
}

/**
 * @example
 * const t = createTiming(send);
 * t.push(4, "input", ev, 300, 0); // sent 300 ms after the last keystroke
 */
export function createTiming<E>(send: (hid: number, ev: E) => void): Timing<E> {
  const waiting = new Map<string, Waiting<E>>();
  const debounces = new Map<string, ReturnType<typeof setTimeout>>();
  const windows = new Map<string, ReturnType<typeof setTimeout>>();

  const release = (key: string): void => {
    const w = waiting.get(key);
    if (w) {
      waiting.delete(key);
      send(w.hid, w.ev);
    }
  };

  const flush = (): void => {
    for (const t of debounces.values()) clearTimeout(t);
    debounces.clear();
    for (const key of [...waiting.keys()]) release(key);
  };

  const wait = (key: string, hid: number, ev: E): void => {
    waiting.delete(key);
    waiting.set(key, { hid, ev });
  };

  const openWindow = (key: string, ms: number): void => {
    windows.set(
      key,
      setTimeout(() => {
        windows.delete(key);
        if (waiting.has(key)) {
          release(key);
          openWindow(key, ms);
        }
      }, ms),
    );
  };

  return {
    push(hid, name, ev, debounce, throttle) {
      const key = hid + " " + name;
      if (debounce > 0) {
        clearTimeout(debounces.get(key));
        wait(key, hid, ev);
        debounces.set(
          key,
          setTimeout(() => {
            debounces.delete(key);
            release(key);
          }, debounce),
        );
      } else if (throttle > 0 && windows.has(key)) {
        wait(key, hid, ev);
      } else {
        flush();
        send(hid, ev);
        if (throttle > 0) openWindow(key, throttle);
      }
    },
    flush,
    clear() {
      for (const t of debounces.values()) clearTimeout(t);
      for (const t of windows.values()) clearTimeout(t);
      debounces.clear();
      windows.clear();
      waiting.clear();
    },
  };
}
