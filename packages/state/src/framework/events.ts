/** ABCI-shaped events: a type such as `bank.transfer` and string attributes. */

/** One event attribute. */
export interface EventAttribute {
  key: string;
  value: string;
}

/** An event emitted by a message handler or a block hook. */
export interface Event {
  type: string;
  attributes: EventAttribute[];
}

/** Builds an event from a plain record; bigint and other values are stringified. */
export function event(type: string, attrs: Record<string, string | bigint | number | boolean | undefined>): Event {
  const attributes: EventAttribute[] = [];
  for (const [key, v] of Object.entries(attrs)) {
    if (v !== undefined) attributes.push({ key, value: String(v) });
  }
  return { type, attributes };
}
