// A table body that draws only the rows near the viewport once a table is long: with 1000 VMs, drawing
// every row took the main thread for 1.2-1.4 s on a 2-core host, and every usage refresh redrew what
// changed far off screen. Rows away from the viewport are empty rows of the same height that keep the
// row's data attributes, so the scroll bar, "select all" and anything that looks rows up by name still
// see every row. Short tables are drawn whole.
import { Tbody } from "@patternfly/react-table";
import { memo, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from "react";

// Below this many rows every row is drawn.
export const WINDOW_FROM_ROWS = 200;
// A compact PatternFly row, as drawn here; rows with an inline error are taller, which the overscan covers.
const ROW_HEIGHT_PX = 46;
// Rows drawn beyond the viewport on each side, so a scroll shows drawn rows before the window catches up.
const OVERSCAN_ROWS = 30;
// The window moves in steps, so scrolling redraws the table every few rows rather than on every pixel.
const STEP_ROWS = 10;
// Before the body is measured: about one screen.
const FIRST_ROWS = 60;

export type RowAttributes = Readonly<Record<`data-${string}`, string | undefined>>;

interface RowRange {
    start: number;
    end: number;
}

function rangeFor(body: HTMLElement | null, count: number): RowRange {
    if (!body) return { start: 0, end: Math.min(count, FIRST_ROWS) };
    const top = body.getBoundingClientRect().top;
    const first = Math.floor(-top / ROW_HEIGHT_PX) - OVERSCAN_ROWS;
    const last = Math.ceil((window.innerHeight - top) / ROW_HEIGHT_PX) + OVERSCAN_ROWS;
    const start = Math.min(count, Math.max(0, Math.floor(first / STEP_ROWS) * STEP_ROWS));
    const end = Math.min(count, Math.max(start, Math.ceil(last / STEP_ROWS) * STEP_ROWS));
    return { start, end };
}

function sameAttributes(a: RowAttributes, b: RowAttributes): boolean {
    const keys = Object.keys(a) as (keyof RowAttributes)[];
    return keys.length === Object.keys(b).length && keys.every(key => a[key] === b[key]);
}

// Redrawn only when an attribute's value changes: a refresh that changes rows far off screen costs little.
const PlaceholderRow = memo(function PlaceholderRow({ attributes, columns }: { attributes: RowAttributes; columns: number }) {
    return (
        <tr {...attributes} className="kvm-row-placeholder" aria-hidden="true" style={{ height: ROW_HEIGHT_PX }}>
            <td colSpan={columns} />
        </tr>
    );
}, (before, after) => before.columns === after.columns && sameAttributes(before.attributes, after.attributes));

export function WindowedTbody<T>({ items, columns, keyOf, rowAttributes, renderRow }: {
    items: readonly T[];
    /** Columns of the table, for the placeholder's single cell. */
    columns: number;
    keyOf: (item: T) => string;
    /** The data attributes a row carries, kept on its placeholder. */
    rowAttributes: (item: T) => RowAttributes;
    renderRow: (item: T, index: number) => ReactNode;
}) {
    const body = useRef<HTMLTableSectionElement>(null);
    const windowed = items.length >= WINDOW_FROM_ROWS;
    const [range, setRange] = useState<RowRange>(() => rangeFor(null, items.length));

    useLayoutEffect(() => {
        if (!windowed) return;
        const next = rangeFor(body.current, items.length);
        setRange(current => current.start === next.start && current.end === next.end ? current : next);
    }, [windowed, items.length]);

    useEffect(() => {
        if (!windowed) return;
        let frame = 0;
        const update = (): void => {
            if (frame) return;
            frame = requestAnimationFrame(() => {
                frame = 0;
                const next = rangeFor(body.current, items.length);
                setRange(current => current.start === next.start && current.end === next.end ? current : next);
            });
        };
        // Capture: whichever element scrolls (the document or a container of the page), the table moves.
        document.addEventListener("scroll", update, { capture: true, passive: true });
        window.addEventListener("resize", update);
        return () => {
            document.removeEventListener("scroll", update, { capture: true });
            window.removeEventListener("resize", update);
            if (frame) cancelAnimationFrame(frame);
        };
    }, [windowed, items.length]);

    return (
        <Tbody ref={body}>
            {items.map((item, index) => !windowed || (index >= range.start && index < range.end)
                ? renderRow(item, index)
                : <PlaceholderRow key={keyOf(item)} attributes={rowAttributes(item)} columns={columns} />)}
        </Tbody>
    );
}
