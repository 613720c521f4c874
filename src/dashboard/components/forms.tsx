/**
 * Form parts: labelled fields (every input has a label tied by id), and the form that changes
 * something through the admin backend, carrying the CSRF token and its real method. Each such
 * form has a status line (`role="status"`) where the script reports the answer.
 */
import type { Child, FC } from "hono/jsx";
import type { AdminAction } from "../admin_api.ts";

export interface FieldProps {
  id: string;
  name: string;
  label: string;
  value?: string;
  type?: string;
  hint?: string;
  required?: boolean;
  /** Shown and sent, not changed (a key's name: the API refuses renames). */
  readonly?: boolean;
  placeholder?: string;
  autocomplete?: string;
  /** How the script encodes it in JSON: a number, a list split on commas, or lines. */
  kind?: "number" | "list" | "lines";
  min?: number;
  step?: string;
}

export const Field: FC<FieldProps> = (p) => (
  <div class="field">
    <label for={p.id}>{p.label}</label>
    <input
      id={p.id}
      name={p.name}
      type={p.type ?? "text"}
      value={p.value}
      required={p.required}
      readonly={p.readonly}
      placeholder={p.placeholder}
      autocomplete={p.autocomplete ?? "off"}
      data-kind={p.kind}
      min={p.min}
      step={p.step}
      aria-describedby={p.hint ? `${p.id}-hint` : undefined}
    />
    {p.hint && <small id={`${p.id}-hint`}>{p.hint}</small>}
  </div>
);

/** A multi-line field; `lines` fields become a list of non-empty lines in JSON. */
export const TextArea: FC<FieldProps> = (p) => (
  <div class="field">
    <label for={p.id}>{p.label}</label>
    <textarea
      id={p.id}
      name={p.name}
      rows={3}
      required={p.required}
      autocomplete="off"
      spellcheck={false}
      data-kind={p.kind ?? "lines"}
      aria-describedby={p.hint ? `${p.id}-hint` : undefined}
    >
      {p.value ?? ""}
    </textarea>
    {p.hint && <small id={`${p.id}-hint`}>{p.hint}</small>}
  </div>
);

export const Checkbox: FC<{ id: string; name: string; label: string; checked?: boolean }> = (
  p,
) => (
  <div class="field check">
    <input
      id={p.id}
      name={p.name}
      type="checkbox"
      value="true"
      checked={p.checked}
      data-kind="bool"
    />
    <label for={p.id}>{p.label}</label>
  </div>
);

export interface ActionFormProps {
  to: AdminAction;
  csrf: string;
  /** Accessible name of the form. */
  label: string;
  /** Asked before sending (a delete). */
  confirm?: string;
  /** What the script does after success: reload the page (default) or show the answer (a new key, a test result). */
  then?: "reload" | "show";
  class?: string;
  children?: Child;
}

export const ActionForm: FC<ActionFormProps> = (p) => (
  <form
    method="post"
    action={p.to.action}
    class={`action ${p.class ?? ""}`.trim()}
    aria-label={p.label}
    data-enhance=""
    data-method={p.to.method}
    data-confirm={p.confirm}
    data-then={p.then ?? "reload"}
  >
    <input type="hidden" name="_csrf" value={p.csrf} data-kind="skip" />
    {p.to.method !== "POST" && (
      <input type="hidden" name="_method" value={p.to.method} data-kind="skip" />
    )}
    {p.children}
    <p class="status" role="status" aria-live="polite"></p>
  </form>
);

export interface StoredRowActionsProps {
  csrf: string;
  /** The entry's name, in each control's accessible name. */
  name: string;
  /** The page that opens the entry's edit form. */
  editHref: string;
  editLabel: string;
  /** Disables an enabled entry, enables a disabled one. */
  toggle: { to: AdminAction; label: string };
  /** Deletes (a channel) or revokes (a key): asked to confirm first. */
  remove: { to: AdminAction; label: string };
}

/** Edit, enable or disable, delete: the actions of a row stored in KV (the file's are read-only). */
export const StoredRowActions: FC<StoredRowActionsProps> = (p) => (
  <>
    <a class="button small" href={p.editHref}>{p.editLabel}</a>
    <ActionForm to={p.toggle.to} csrf={p.csrf} label={`${p.toggle.label} ${p.name}`} class="inline">
      <button type="submit" class="small">{p.toggle.label}</button>
    </ActionForm>
    <ActionForm
      to={p.remove.to}
      csrf={p.csrf}
      label={`${p.remove.label} ${p.name}`}
      confirm={`${p.remove.label} ${p.name}?`}
      class="inline"
    >
      <button type="submit" class="small danger">{p.remove.label}</button>
    </ActionForm>
  </>
);
