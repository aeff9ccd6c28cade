// AWS Classic Load Balancer (ELB) access logs:
//
//   time elb client:port backend:port request_processing_time backend_processing_time response_processing_time
//   elb_status_code backend_status_code received_bytes sent_bytes "request" "user_agent" ssl_cipher ssl_protocol
//
//   2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000086 0.001048 0.001337
//   200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.38.0" DHE-RSA-AES128-SHA TLSv1.2
//
// The layout is ALB's without the leading type and with fewer fields after the agent (see alb.ts). TCP
// listeners log `-` for the statuses and `"- - - "` for the request: such lines match no status code.

import { parseDetailsFrom, parseFromTime } from './alb.js';
import { rawText, type FormatDefinition, type LineFormat } from './fields.js';

export const elbFormat: LineFormat = {
  name: 'elb',
  parse: parseFromTime,
  // backend_status_code received_bytes sent_bytes "request" "user_agent"
  parseDetails: (buf, _start, end, out) => parseDetailsFrom(buf, end, out, 3, 0),
  text: rawText,
};

export const elbDefinition: FormatDefinition = {
  name: 'elb',
  description: 'AWS Classic Load Balancer (ELB) access logs',
  forwardedFor: false,
  create: () => elbFormat,
};
