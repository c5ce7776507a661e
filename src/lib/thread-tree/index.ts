/**
 * Conversation trees from message metadata: the two algorithms of RFC 5256 (IMAP THREAD), pure and
 * independent of storage, so they are tested on their own and reusable by the webmail.
 *
 * Implementation notes
 * - REFERENCES follows RFC 5256 §4 step by step (it is Zawinski's algorithm): containers per
 *   Message-ID, linked along each References chain without creating loops; the message's own
 *   container hangs under its last reference (overriding an earlier guess); dummies (referenced but
 *   absent messages) pruned by promoting their children, except that a dummy at the root keeps
 *   several children; roots gathered by base subject; siblings sorted by sent date.
 * - Message-IDs compare case-sensitively (RFC 5256 §4 step 1); a missing or duplicate Message-ID
 *   gets a private key, so every message appears exactly once in the result.
 * - Ties on the sent date keep mailbox order (the `order` field), as the RFC asks.
 * - Inputs come from the sender's headers: nothing here trusts them to be acyclic, unique or sane.
 */

export interface ThreadInput {
  /** What the result carries for this message (a sequence number or a UID). */
  key: number;
  /** Position in the mailbox, the tie-breaker. */
  order: number;
  messageId: string | null;
  references: readonly string[];
  inReplyTo: readonly string[];
  /** RFC 5256 §2.1 base subject; compared as given (callers normalise case). */
  baseSubject: string;
  /** Whether the subject carried a reply or forward prefix (RFC 5256 §2.1 "reply or forward"). */
  isReply: boolean;
  /** Date header, else internal date (RFC 5256 §2.2), epoch milliseconds. */
  sentAt: number;
}

/** A thread node: a message, or a dummy (`message` null) standing for an absent common parent. */
export interface ThreadNode {
  message: ThreadInput | null;
  children: ThreadNode[];
}

interface Container {
  message: ThreadInput | null;
  parent: Container | null;
  children: Container[];
}

/** RFC 5256 ORDEREDSUBJECT: messages grouped by base subject, the first one parent of the rest. */
export function threadByOrderedSubject(messages: readonly ThreadInput[]): ThreadNode[] {
  const sorted = [...messages].sort((a, b) => compareText(a.baseSubject, b.baseSubject) || compareDate(a, b));
  const threads: ThreadNode[] = [];
  let current: ThreadNode | null = null;
  for (const message of sorted) {
    if (current?.message && current.message.baseSubject === message.baseSubject) {
      current.children.push({ message, children: [] });
    } else {
      current = { message, children: [] };
      threads.push(current);
    }
  }
  return threads.sort((a, b) => compareDate(a.message as ThreadInput, b.message as ThreadInput));
}

/** RFC 5256 REFERENCES. */
export function threadByReferences(messages: readonly ThreadInput[]): ThreadNode[] {
  const byId = new Map<string, Container>();
  const containerOf = (id: string): Container => {
    let container = byId.get(id);
    if (!container) {
      container = { message: null, parent: null, children: [] };
      byId.set(id, container);
    }
    return container;
  };

  // Step 1: link each message's references, then the message itself under the last one.
  let anonymous = 0;
  for (const message of [...messages].sort((a, b) => a.order - b.order)) {
    let own: Container;
    const existing = message.messageId === null ? undefined : byId.get(message.messageId);
    if (message.messageId !== null && (!existing || existing.message === null)) {
      own = containerOf(message.messageId);
    } else {
      // No Message-ID, or a duplicate: a key no header can name.
      own = containerOf(`\0${anonymous++}`);
    }
    own.message = message;

    const references = message.references.length > 0 ? message.references : message.inReplyTo.slice(0, 1);
    let previous: Container | null = null;
    for (const id of references) {
      const container = containerOf(id);
      if (previous && !container.parent && !reaches(container, previous)) link(previous, container);
      previous = container;
    }
    // The last reference is the parent, even if an earlier message guessed otherwise.
    if (own.parent) unlink(own);
    if (previous && previous !== own && !reaches(own, previous)) link(previous, own);
  }

  // Step 2: the root set.
  let roots = [...byId.values()].filter((c) => c.parent === null);

  // Step 3: prune dummies.
  roots = pruneSiblings(roots, true);

  // Step 4: order the roots by date (a dummy's date is its earliest child's).
  for (const root of roots) sortTree(root);
  roots.sort(compareContainers);

  // Step 5: gather roots by base subject.
  roots = groupBySubject(roots);

  // Step 6: order every set of siblings.
  for (const root of roots) sortTree(root);
  roots.sort(compareContainers);
  return roots.map(toNode);
}

/** True when `descendant` is `ancestor` or lies under it. */
function reaches(ancestor: Container, descendant: Container): boolean {
  for (let c: Container | null = descendant; c; c = c.parent) if (c === ancestor) return true;
  return false;
}

function link(parent: Container, child: Container): void {
  child.parent = parent;
  parent.children.push(child);
}

function unlink(child: Container): void {
  const parent = child.parent;
  if (!parent) return;
  parent.children = parent.children.filter((c) => c !== child);
  child.parent = null;
}

/** Step 3 on a set of siblings (recursively): dummies without children go, dummies' children move up. */
function pruneSiblings(siblings: Container[], atRoot: boolean): Container[] {
  const kept: Container[] = [];
  for (const container of siblings) {
    container.children = pruneSiblings(container.children, false);
    for (const child of container.children) child.parent = container;
    if (container.message) {
      kept.push(container);
    } else if (container.children.length === 0) {
      // An absent message nobody present answered: nothing to show.
    } else if (!atRoot || container.children.length === 1) {
      for (const child of container.children) {
        child.parent = container.parent;
        kept.push(child);
      }
    } else {
      kept.push(container);
    }
  }
  return kept;
}

/** Step 5 (RFC 5256 §4 step 5): roots sharing a base subject become one thread. */
function groupBySubject(roots: Container[]): Container[] {
  const subjectOf = (c: Container): ThreadInput | null => c.message ?? c.children[0]?.message ?? null;
  const table = new Map<string, Container>();
  for (const root of roots) {
    const source = subjectOf(root);
    if (!source || source.baseSubject === '') continue;
    const held = table.get(source.baseSubject);
    if (
      !held ||
      (root.message === null && held.message !== null) ||
      (held.message !== null && root.message !== null && held.message.isReply && !root.message.isReply)
    ) {
      table.set(source.baseSubject, root);
    }
  }
  const result: Container[] = [];
  const replaced = new Map<Container, Container>();
  for (const root of roots) {
    const source = subjectOf(root);
    const entry = source && source.baseSubject !== '' ? table.get(source.baseSubject) : undefined;
    if (!source || !entry || entry === root) {
      result.push(root);
      continue;
    }
    const held = entry;
    if (held.message === null && root.message === null) {
      for (const child of root.children) link(held, child);
      root.children = [];
    } else if (held.message === null) {
      link(held, root);
    } else if (!held.message.isReply && root.message?.isReply) {
      link(held, root);
    } else {
      // Two unrelated-looking messages with one subject: a new dummy takes both.
      const dummy: Container = { message: null, parent: null, children: [] };
      link(dummy, held);
      link(dummy, root);
      table.set(source.baseSubject, dummy);
      replaced.set(held, dummy);
    }
  }
  // A root that became a child elsewhere is no longer a root; a replaced one yields to its dummy.
  return result
    .map((root) => replaced.get(root) ?? root)
    .filter((root, index, all) => root.parent === null && all.indexOf(root) === index);
}

function sortTree(container: Container): void {
  for (const child of container.children) sortTree(child);
  container.children.sort(compareContainers);
}

/** A container's date and order: its message's, or for a dummy its first (earliest) child's. */
function representative(container: Container): ThreadInput | null {
  let c: Container | undefined = container;
  while (c && !c.message) c = c.children[0];
  return c?.message ?? null;
}

function compareContainers(a: Container, b: Container): number {
  const x = representative(a);
  const y = representative(b);
  if (!x || !y) return 0;
  return compareDate(x, y);
}

function compareDate(a: ThreadInput, b: ThreadInput): number {
  return a.sentAt - b.sentAt || a.order - b.order;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toNode(container: Container): ThreadNode {
  return { message: container.message, children: container.children.map(toNode) };
}
