import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Schemas } from '../api/client';
import { SlaBadge } from './SlaBadge';

type Clock = Schemas['SlaHorlogeDto'];

const hour = 3_600_000;
const at = (offset: number) => new Date(Date.now() + offset).toISOString();
/** A running clock due in a day, its warning threshold in twenty hours. */
const clock = (over: Partial<Clock>): Clock =>
  ({ horloge: 'reponse', etat: 'running', echeance: at(24 * hour), avertissementA: at(20 * hour), ...over }) as Clock;

describe('SlaBadge', () => {
  it('says "Délai dépassé" in the danger colour when a clock is breached, whatever the others say', () => {
    render(<SlaBadge clocks={[clock({ etat: 'running' }), clock({ horloge: 'prise_en_charge', etat: 'breached', echeance: at(-hour) })]} />);
    const badge = screen.getByText('Délai dépassé');
    expect(badge).toHaveClass('badge-danger');
  });

  it('says "Délai dépassé" when a running clock is past its due date before the breach event lands', () => {
    render(<SlaBadge clocks={[clock({ echeance: at(-60_000), avertissementA: at(-hour) })]} />);
    expect(screen.getByText('Délai dépassé')).toHaveClass('badge-danger');
  });

  it('says "Délai à risque" once a running clock has passed its warning threshold', () => {
    render(<SlaBadge clocks={[clock({ avertissementA: at(-60_000) })]} />);
    expect(screen.getByText('Délai à risque')).toHaveClass('badge-warning');
  });

  it('says "Dans les délais" for a comfortable running clock, and nothing without a clock', () => {
    const { container, rerender } = render(<SlaBadge clocks={[clock({})]} />);
    expect(screen.getByText('Dans les délais')).toHaveClass('badge-success');
    rerender(<SlaBadge clocks={[]} />);
    expect(container).toBeEmptyDOMElement();
  });
});
