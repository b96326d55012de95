import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Empty, ErrorMessage, Loading, Page } from './page';

/**
 * A list screen's states: loading, the error (with a retry), empty (`empty` says why), else the
 * items as `children` draws them.
 */
export function ListStates<T>({ query, what, empty, children }: { query: UseQueryResult<{ items: T[] }>; what: string; empty: ReactNode; children: (items: T[]) => ReactNode }) {
  return (
    <>
      {query.isPending && <Loading what={what} />}
      {query.isError && <ErrorMessage error={query.error} retry={() => query.refetch()} />}
      {query.data && query.data.items.length === 0 && <Empty>{empty}</Empty>}
      {query.data && query.data.items.length > 0 && children(query.data.items)}
    </>
  );
}

/** A list's filter: a labelled select whose first option (`all`) means no filter. */
export function FilterSelect<V extends string>({
  id,
  label,
  all,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  all: string;
  value: V | '';
  options: ReadonlyArray<readonly [V, string, ...unknown[]]>;
  onChange: (value: V | '') => void;
}) {
  return (
    <div className="field inline">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as V | '')}>
        <option value="">{all}</option>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A detail screen while its resource loads or fails: the page with its loading state or error (retry); null once the data is there. */
export function QueryGate({ query, title, what }: { query: UseQueryResult<unknown>; title: string; what: string }) {
  if (query.isPending) {
    return (
      <Page title={title}>
        <Loading what={what} />
      </Page>
    );
  }
  if (query.isError) {
    return (
      <Page title={title}>
        <ErrorMessage error={query.error} retry={() => query.refetch()} />
      </Page>
    );
  }
  return null;
}
