export * from './calendar/business-calendar.types';
