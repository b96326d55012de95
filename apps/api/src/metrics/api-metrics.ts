import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets (seconds) for an API whose reads take milliseconds and whose slowest writes a second or two. */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Every metric of GET /metrics (listed in docs/operations.md). Names are English, `relais_`
 * prefixed; HELP texts are French, like everything an operator reads. Node's process metrics
 * keep prom-client's standard names, so that stock Node.js dashboards work unchanged.
 */
@Injectable()
export class ApiMetrics {
  /** A registry per application rather than prom-client's global one: tests run several APIs in one process. */
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'relais_http_request_duration_seconds',
    help: 'Durée des requêtes HTTP, par méthode, modèle de route et code de statut',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly queueJobs = new Gauge({
    name: 'relais_queue_jobs',
    help: 'Tâches BullMQ par file et par état (waiting + prioritized : profondeur de la file ; delayed : tâches différées, dont les minuteries SLA)',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  readonly outboxBacklog = new Gauge({
    name: 'relais_outbox_backlog',
    help: 'Événements de l’outbox en attente : pas encore publiés (stage="publish") ou publiés mais pas encore traités (stage="process")',
    labelNames: ['stage'] as const,
    registers: [this.registry],
  });

  readonly outboxOldestAge = new Gauge({
    name: 'relais_outbox_oldest_age_seconds',
    help: 'Âge du plus ancien événement de l’outbox en attente, par étape (0 si aucun)',
    labelNames: ['stage'] as const,
    registers: [this.registry],
  });

  readonly slaClocks = new Gauge({
    name: 'relais_sla_clocks',
    help: 'Horloges SLA ouvertes, par état (running, paused, breached)',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly slaClocksAtRisk = new Gauge({
    name: 'relais_sla_clocks_at_risk',
    help: 'Horloges SLA en cours dont le seuil d’avertissement est passé, pas encore dépassées',
    registers: [this.registry],
  });

  readonly reconcilerRuns = new Counter({
    name: 'relais_sla_reconciler_runs_total',
    help: 'Passages du réconciliateur SLA (tous workers confondus), réussis (result="ok") ou en échec (result="error")',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly reconcilerRearmed = new Counter({
    name: 'relais_sla_reconciler_rearmed_timers_total',
    help: 'Minuteries SLA réarmées par le réconciliateur parce que Redis les avait perdues',
    registers: [this.registry],
  });

  readonly reconcilerOverdue = new Counter({
    name: 'relais_sla_reconciler_overdue_timers_total',
    help: 'Minuteries SLA réarmées alors qu’elles étaient déjà échues (déclenchées en retard)',
    registers: [this.registry],
  });

  readonly reconcilerLastSuccess = new Gauge({
    name: 'relais_sla_reconciler_last_success_timestamp_seconds',
    help: 'Fin du dernier passage réussi du réconciliateur SLA (horodatage Unix)',
    registers: [this.registry],
  });

  readonly sourceUp = new Gauge({
    name: 'relais_metrics_source_up',
    help: 'La dernière lecture de cette source (postgresql, redis) pour /metrics a réussi (1) ou échoué (0)',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  readonly collectionErrors = new Counter({
    name: 'relais_metrics_collection_errors_total',
    help: 'Lectures de PostgreSQL ou de Redis pour /metrics en échec ou hors délai, par source',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Puts a metric in the output or leaves it out entirely. A value that cannot be read must be
   * absent rather than 0, and prom-client prints an unlabelled metric as 0 even once reset.
   */
  setVisible(metric: Gauge | Counter, visible: boolean): void {
    const { name } = metric as unknown as { name: string };
    const registered = this.registry.getSingleMetric(name) !== undefined;
    if (visible && !registered) this.registry.registerMetric(metric);
    if (!visible && registered) this.registry.removeSingleMetric(name);
  }
}
