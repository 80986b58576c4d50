/** certificates = each site's certificate and its last ACME attempt, as hms provision and certbot left them. */
export { listCertificates } from './certificates.js';
