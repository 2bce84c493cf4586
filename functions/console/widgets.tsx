import type { Child } from 'hono/jsx';

/** A column of a `Table`: its heading, what a row shows in it, and the cell's class when it has one. */
export interface Column<T> {
  readonly head: string;
  readonly cell: (row: T) => Child;
  readonly class?: (row: T) => string;
}

/** A table of rows, one cell per column; its caption names it for assistive technology and is shown only when `visible`. */
export function Table<T>({ caption, visible = false, columns, rows }: { caption: string; visible?: boolean; columns: readonly Column<T>[]; rows: readonly T[] }) {
  return (
    <table>
      <caption class={visible ? undefined : 'visually-hidden'}>{caption}</caption>
      <thead>
        <tr>
          {columns.map((col) => (
            <th scope="col">{col.head}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr>{columns.map((col) => (col.class ? <td class={col.class(row)}>{col.cell(row)}</td> : <td>{col.cell(row)}</td>))}</tr>
        ))}
      </tbody>
    </table>
  );
}

/** A listing's filters: a GET form to `action` whose fields become the page's query, and its one button. */
export const FilterForm = ({ action, submit, search = false, children }: { action: string; submit: string; search?: boolean; children?: Child }) => (
  <form method="get" action={action} class="filters" role={search ? 'search' : undefined}>
    {children}
    <button type="submit">{submit}</button>
  </form>
);

/** A labelled text field of a filter form, showing the value the page was asked with. */
export const TextField = ({ label, name, value, type, placeholder, required }: { label: string; name: string; value: string | undefined; type?: string; placeholder?: string; required?: boolean }) => (
  <label>
    {label}
    <input type={type} name={name} value={value ?? ''} placeholder={placeholder} required={required} />
  </label>
);

/** A labelled choice of a filter form: `any` (the empty value) first when given, then each `[value, text]`, the asked one selected. */
export const SelectField = ({ label, name, value, any, choices }: { label: string; name: string; value: string | undefined; any?: string; choices: readonly (readonly [string, string])[] }) => (
  <label>
    {label}
    <select name={name}>
      {any !== undefined && <option value="">{any}</option>}
      {choices.map(([v, text]) => (
        <option value={v} selected={v === value}>
          {text}
        </option>
      ))}
    </select>
  </label>
);
