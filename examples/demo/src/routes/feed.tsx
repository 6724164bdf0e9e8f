import { StreamList, signal, stream } from "vango";

export const title = "Feed";

/** Posts in the feed, sent 50 at a time, at most 200 in the page at once. */
export const FEED_TOTAL = 10_000;
export const FEED_PAGE = 50;
export const FEED_LIMIT = 200;

interface Post {
  readonly id: number;
}

const WORDS = ["signals", "patches", "sessions", "streams", "sockets", "layouts", "chunks"];

function posts(from: number, to: number): Post[] {
  const out: Post[] = [];
  for (let id = from; id < to; id++) out.push({ id });
  return out;
}

function PostItem(p: Post) {
  return (
    <li data-testid="feed-item" data-id={p.id} class="feed-item">
      <strong>Post {p.id + 1}</strong> about {WORDS[p.id % WORDS.length]}
    </li>
  );
}

/**
 * `/feed`: 10,000 posts streamed 50 at a time as the list's end nears the viewport. The
 * server keeps only the keys of the posts in the page, and at most 200 stay in it:
 * scrolling down drops the oldest, scrolling back up brings them back.
 */
export default function Feed() {
  // Which posts are in the page: ids lo … hi - 1 (transient: the stream is not persisted).
  const lo = signal(0, { transient: true });
  const hi = signal(0, { transient: true });
  const feed = stream<Post>({
    key: (p) => p.id,
    render: PostItem,
    limit: FEED_LIMIT,
    // A full resync shows the first page again (what the list's first render held).
    onResync: () => {
      lo.set(0);
      hi.set(FEED_PAGE);
    },
  });
  const down = (): void => {
    const from = hi.peek();
    if (from >= FEED_TOTAL) return;
    const to = Math.min(from + FEED_PAGE, FEED_TOTAL);
    feed.append(posts(from, to));
    hi.set(to);
    lo.set(Math.max(lo.peek(), to - FEED_LIMIT));
  };
  const up = (): void => {
    const to = lo.peek();
    if (to === 0) return;
    const from = Math.max(0, to - FEED_PAGE);
    feed.prepend(posts(from, to));
    lo.set(from);
    hi.set(Math.min(hi.peek(), from + FEED_LIMIT));
  };
  down();
  return () => (
    <>
      <h2 class="page-title">Feed</h2>
      <p data-testid="feed-status" aria-live="polite">
        Posts {lo() + 1}–{hi()} of {FEED_TOTAL.toLocaleString("en")} in the page
        {hi() >= FEED_TOTAL ? " — the end" : ""}
      </p>
      <StreamList of={feed} as="ol" class="feed" onViewportTop={up} onViewportBottom={down} />
    </>
  );
}
