export {
  CORRELATION_ID_HEADER,
  correlationIdFrom,
  CorrelationIdMiddleware,
} from './correlation-id.middleware';
export { RequestContext, type RequestContextData } from './request-context';
