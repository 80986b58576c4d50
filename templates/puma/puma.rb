# puma for {{app}}. Written by `hms provision`; phased restarts need workers and no preload_app.
directory '{{root}}/current'
environment 'production'
bind 'unix://{{root}}/shared/tmp/sockets/puma.sock'
pidfile '{{root}}/shared/tmp/pids/puma.pid'
state_path '{{root}}/shared/tmp/pids/puma.state'
workers {{workers}}
threads {{minThreads}}, {{maxThreads}}
worker_timeout 60
# Started with `bundle exec`: the master drops the bundle it started with, so that
# after a phased restart each new worker loads the Gemfile of the release in `current`.
# That takes puma's own bin/puma-wild, which a gem installed by bundler has and
# Debian's packaged puma does not; without it the first bundle stays (new gems then
# need `systemctl restart`, not a phased restart).
puma_spec = Gem.loaded_specs['puma']
if puma_spec&.require_paths&.any? { |dir| File.exist?(File.join(puma_spec.full_gem_path, dir, '../bin/puma-wild')) }
  prune_bundler
else
  warn '[puma.rb] this puma cannot prune the bundle (no bin/puma-wild): a phased restart keeps the gems puma started with'
end
stdout_redirect '{{root}}/shared/log/puma.stdout.log', '{{root}}/shared/log/puma.stderr.log', true
