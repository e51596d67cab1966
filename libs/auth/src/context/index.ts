export { RequestContext, type RequestContextData } from './request-context';
export { Deadline, DEADLINE_ANSWER_RESERVE_MS, requestDeadline } from './request-deadline';
