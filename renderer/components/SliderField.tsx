/**
 * A number chosen with a slider and a box beside it (XenCenter's memory and vCPU controls): the slider
 * moves within [min, max] in `step`s, the box takes a typed value (checked by the caller's validation,
 * which may refuse values out of range); both say the value in words to assistive technology.
 */
import { useId } from 'react';

export interface SliderFieldProps {
  label: string;
  /** The value in the unit the box shows (MiB, vCPUs). */
  value: number;
  min: number;
  max: number;
  step?: number;
  unit: string;
  /** The value in words ("2 GiB"), for the slider's aria-valuetext and the bounds under it. */
  describe?: (value: number) => string;
  onChange: (value: number) => void;
  disabled?: boolean;
  error?: string;
  /** Id for the box (the field a validation message points at). */
  id?: string;
}

export function SliderField({ label, value, min, max, step = 1, unit, describe = (v) => `${v} ${unit}`, onChange, disabled, error, id }: SliderFieldProps) {
  const generated = useId();
  const boxId = id ?? `${generated}-box`;
  const clamped = Math.min(max, Math.max(min, Number.isFinite(value) ? value : min));
  return (
    <div className={`field slider-field${error ? ' has-error' : ''}`}>
      <label htmlFor={boxId} className="field-label">
        {label}
      </label>
      <div className="slider-field-row">
        <input
          type="range"
          className="slider-field-range"
          min={min}
          max={max}
          step={step}
          value={clamped}
          disabled={disabled || min >= max}
          aria-label={`${label} (slider)`}
          aria-valuetext={describe(clamped)}
          onChange={(e) => onChange(Number(e.target.value))}
        />
        <input
          id={boxId}
          className="text-input slider-field-box"
          inputMode="numeric"
          value={Number.isFinite(value) ? String(value) : ''}
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${boxId}-error` : `${boxId}-range`}
          onChange={(e) => onChange(e.target.value.trim() === '' ? NaN : Number(e.target.value))}
        />
        <span className="slider-field-unit">{unit}</span>
      </div>
      <p className="field-hint muted" id={`${boxId}-range`}>
        From {describe(min)} to {describe(max)}
      </p>
      {error && (
        <p className="field-error" id={`${boxId}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
