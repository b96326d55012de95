import { Module } from '@nestjs/common';
import { OpsModule } from '../ops/ops.module';
import { ApiMetrics } from './api-metrics';
import { HttpMetrics } from './http-metrics';
import { MetricsController } from './metrics.controller';
import { OperationalGauges } from './operational-gauges';

/** GET /metrics: HTTP latency, process metrics, and gauges read from PostgreSQL and Redis. */
@Module({
  imports: [OpsModule],
  controllers: [MetricsController],
  providers: [ApiMetrics, HttpMetrics, OperationalGauges],
})
export class MetricsModule {}
