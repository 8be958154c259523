// A scrolling window over many fixed-height rows that renders only the rows in view plus a
// few above and below, so 10,000 or 100,000 log lines cost what 60 do. It follows the end
// (stays scrolled to the last row as rows are added) until the user scrolls up, and follows
// again once they scroll back to the bottom.
import {
  type KeyboardEvent,
  type ReactNode,
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';

/** Height of one row in CSS pixels; .log-line in styles.css has the same. */
export const kLineHeight = 20;
/** Rows rendered beyond each edge of the visible ones, so fast scrolling shows no gap. */
export const kOverscan = 12;
/** Rows the viewport is tall where it cannot be measured (no layout, e.g. in tests). */
export const kFallbackRows = 24;

interface LogViewportProps {
  count: number;
  /** Row `index` (0 ... count-1); called only for the rows in the window. */
  renderRow: (index: number) => ReactNode;
  following: boolean;
  /** The user scrolled away from the end (false) or back to it (true). */
  onFollowingChange: (following: boolean) => void;
  label: string;
  testId?: string;
}

const kUpKeys = new Set(['ArrowUp', 'PageUp', 'Home']);

/** The scroll position of the end: the browser's, or the model's where there is no layout. */
function endTop(element: HTMLElement, modelMaxTop: number): number {
  if (element.scrollHeight <= 0) return modelMaxTop;
  return Math.max(0, element.scrollHeight - element.clientHeight);
}

export function LogViewport(props: LogViewportProps) {
  const { count, renderRow, following, onFollowingChange, label, testId } = props;
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(kFallbackRows * kLineHeight);
  const total = count * kLineHeight;
  const maxTop = Math.max(0, total - height);
  const top = following ? maxTop : Math.min(scrollTop, maxTop);

  // Read by the event handlers, which must see this render's values.
  const latest = useRef({ maxTop, following, onFollowingChange });
  latest.current = { maxTop, following, onFollowingChange };

  useEffect(() => {
    const element = ref.current;
    if (!element) return undefined;
    const measure = () => {
      if (element.clientHeight > 0) setHeight(element.clientHeight);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // While following, keep the end in view after every change of size or row count.
  useLayoutEffect(() => {
    const element = ref.current;
    if (!following || !element) return;
    const end = endTop(element, maxTop);
    if (element.scrollTop !== end) element.scrollTop = end;
  }, [following, maxTop]);

  const onScroll = useCallback(() => {
    const element = ref.current;
    if (!element) return;
    const now = latest.current;
    setScrollTop(element.scrollTop);
    const atEnd = element.scrollTop >= endTop(element, now.maxTop) - kLineHeight / 2;
    if (atEnd !== now.following) now.onFollowingChange(atEnd);
  }, []);

  // A wheel turn or key press upwards pauses at once, before rows added in the same frame
  // could pull the view back to the end.
  const pause = () => {
    const now = latest.current;
    if (now.following && now.maxTop > 0) now.onFollowingChange(false);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (kUpKeys.has(event.key)) pause();
  };

  const first = Math.max(0, Math.floor(top / kLineHeight) - kOverscan);
  const last = Math.min(count, Math.ceil((top + height) / kLineHeight) + kOverscan);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) rows.push(renderRow(i));

  return (
    // A scrollable region: focusable, so the keyboard can scroll it.
    <div
      ref={ref}
      className="log-viewport"
      role="log"
      aria-live="off"
      aria-label={label}
      tabIndex={0}
      data-testid={testId}
      data-following={String(following)}
      onScroll={onScroll}
      onWheel={(event) => {
        if (event.deltaY < 0) pause();
      }}
      onKeyDown={onKeyDown}
    >
      <div className="log-spacer" style={{ height: total }}>
        <div className="log-window" style={{ transform: `translateY(${first * kLineHeight}px)` }}>
          {rows}
        </div>
      </div>
    </div>
  );
}
