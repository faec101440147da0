/** The filter fields of the list screens (calls, audit): one label, one input, one callback each. */
import { isoToLocal, localToIso } from './format.ts';

type TextFilterProps = {
  label: string;
  name: string;
  value: string;
  onValue: (value: string) => void;
  id?: string;
  placeholder?: string;
};

export function TextFilter({ label, name, value, onValue, id, placeholder }: TextFilterProps) {
  return (
    <label class="d-filter">
      <span>{label}</span>
      <input
        class="d-input"
        id={id}
        name={name}
        value={value}
        placeholder={placeholder}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
    </label>
  );
}

type SelectFilterProps = {
  label: string;
  name: string;
  value: string;
  options: readonly string[];
  onValue: (value: string) => void;
  /** How an option is shown (the value is sent as it is). */
  show?: (option: string) => string;
};

export function SelectFilter({ label, name, value, options, onValue, show = (o) => o }: SelectFilterProps) {
  return (
    <label class="d-filter">
      <span>{label}</span>
      <select class="d-input" name={name} value={value} onChange={(e) => onValue(e.currentTarget.value)}>
        <option value="">any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {show(o)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** From and To, kept as ISO times in the URL and shown in the browser's time zone. */
export function TimeRangeFilters(props: {
  from: string;
  to: string;
  onRange: (patch: { from?: string; to?: string }) => void;
}) {
  return (
    <>
      <label class="d-filter">
        <span>From</span>
        <input
          class="d-input"
          type="datetime-local"
          name="from"
          value={isoToLocal(props.from)}
          onChange={(e) => props.onRange({ from: localToIso(e.currentTarget.value) })}
        />
      </label>
      <label class="d-filter">
        <span>To</span>
        <input
          class="d-input"
          type="datetime-local"
          name="to"
          value={isoToLocal(props.to)}
          onChange={(e) => props.onRange({ to: localToIso(e.currentTarget.value) })}
        />
      </label>
    </>
  );
}
