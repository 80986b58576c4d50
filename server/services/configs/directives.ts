/**
 * The directives a site may use, as an allow-list: `nginx -t` runs as root, and a
 * module loaded on some server (xslt, njs, geoip, perl, lua, …) can read any file
 * or run code when a directive names it. A directive not listed here is refused
 * by name, so a module nobody thought of is refused too.
 */

/** Blocks whose entries are data (`map $a $b { default 0; ~^x 1; }`), not directives. */
const DATA_BLOCKS = new Set(['map', 'geo', 'types', 'split_clients', 'charset_map']);
/** Inside a data block, these are still directives. */
const DATA_BLOCK_DIRECTIVES = new Set(['include']);

const NAMES = new Set([
  // blocks
  'server',
  'location',
  'upstream',
  'if',
  'limit_except',
  'map',
  'geo',
  'types',
  'split_clients',
  // core
  'listen',
  'server_name',
  'root',
  'alias',
  'index',
  'try_files',
  'return',
  'rewrite',
  'set',
  'break',
  'error_page',
  'internal',
  'default_type',
  'charset',
  'source_charset',
  'override_charset',
  'charset_types',
  'server_tokens',
  'etag',
  'if_modified_since',
  'expires',
  'add_header',
  'add_trailer',
  'allow',
  'deny',
  'satisfy',
  'auth_basic',
  'auth_basic_user_file',
  'auth_request',
  'auth_request_set',
  'access_log',
  'error_log',
  'log_not_found',
  'log_subrequest',
  'rewrite_log',
  'include',
  'sendfile',
  'sendfile_max_chunk',
  'tcp_nopush',
  'tcp_nodelay',
  'send_timeout',
  'send_lowat',
  'postpone_output',
  'output_buffers',
  'directio',
  'directio_alignment',
  'aio',
  'aio_write',
  'read_ahead',
  'reset_timedout_connection',
  'resolver',
  'resolver_timeout',
  'merge_slashes',
  'underscores_in_headers',
  'ignore_invalid_headers',
  'chunked_transfer_encoding',
  'port_in_redirect',
  'server_name_in_redirect',
  'absolute_redirect',
  'msie_padding',
  'msie_refresh',
  'recursive_error_pages',
  'uninitialized_variable_warn',
  'max_ranges',
  'disable_symlinks',
  'subrequest_output_buffer_size',
  'types_hash_max_size',
  'types_hash_bucket_size',
  'server_names_hash_max_size',
  'server_names_hash_bucket_size',
  'variables_hash_max_size',
  'variables_hash_bucket_size',
  'map_hash_max_size',
  'map_hash_bucket_size',
  'valid_referers',
  'referer_hash_max_size',
  'referer_hash_bucket_size',
  'real_ip_header',
  'set_real_ip_from',
  'real_ip_recursive',
  'stub_status',
  'empty_gif',
  'mirror',
  'mirror_request_body',
  'slice',
  'mp4',
  'mp4_buffer_size',
  'mp4_max_buffer_size',
  'flv',
  'add_before_body',
  'add_after_body',
  'addition_types',
  'random_index',
  'http2',
  'spdy_headers_comp',
  // upstream
  'keepalive',
  'keepalive_time',
  'keepalive_timeout',
  'keepalive_requests',
  'keepalive_disable',
  'zone',
  'least_conn',
  'ip_hash',
  'hash',
  'random',
]);

/** Whole families, by prefix; what they name as files is checked by the lint's path rules. */
const FAMILIES = [
  /^(proxy|fastcgi|uwsgi|scgi|grpc|memcached)_/,
  /^ssl_/,
  /^gzip/,
  /^gunzip/,
  /^http2_/,
  /^open_file_cache/,
  /^open_log_file_cache$/,
  /^limit_(req|conn|rate)/,
  /^(client|large_client|lingering)_/,
  /^(sub_filter|secure_link|userid|autoindex|ssi)/,
];
/**
 * Refused inside the families: `*_store` writes responses to any path,
 * `ssl_conf_command` hands OpenSSL commands that read files (Certificate, ChainCAFile).
 */
const REFUSED_IN_FAMILIES = /(_store|_store_access|_conf_command)$/;

/** Why a directive is not accepted in a site, or undefined when it is. */
export function directiveProblem(name: string, block: string | undefined): string | undefined {
  if (block !== undefined && DATA_BLOCKS.has(block) && !DATA_BLOCK_DIRECTIVES.has(name)) return undefined;
  if (name === 'load_module' || /(^|_)(lua|perl)/.test(name))
    return 'is not accepted (lua, perl and load_module run code in nginx as root)';
  if (REFUSED_IN_FAMILIES.test(name)) return 'is not accepted (it writes or reads files nginx -t cannot be kept from)';
  if (NAMES.has(name) || FAMILIES.some((family) => family.test(name))) return undefined;
  return 'is not a directive a site may use (modules such as xslt, js, geoip, image_filter and dav are not accepted)';
}

export const DIRECTIVES_HINT =
  'A site may use the core, proxy/fastcgi/uwsgi/scgi/grpc, ssl, gzip, http2, limit_*, headers, rewrite, access, ' +
  'auth_basic/auth_request, map/geo, upstream and realip directives.';
