# puma for {{app}}. Written by `hms provision`; phased restarts need workers and no preload_app.
directory '{{root}}/current'
environment 'production'
# {{app}}.socket (systemd) holds this socket and passes it to puma (LISTEN_FDS), so it
# stays open while puma restarts; without it puma binds the path itself.
bind 'unix://{{root}}/shared/tmp/sockets/puma.sock'
pidfile '{{root}}/shared/tmp/pids/puma.pid'
state_path '{{root}}/shared/tmp/pids/puma.state'
workers {{workers}}
threads {{minThreads}}, {{maxThreads}}
worker_timeout 60
# Started by the app's launcher with the command its deploy chose (see the app's
# unit): `bundle exec puma` when the release's Gemfile.lock has puma, else the
# system's puma, which loads no bundle in the master. Under `bundle exec`, the master
# drops the bundle it started with, so that after a phased restart each new worker
# loads the Gemfile of the release in `current`. That takes puma's own bin/puma-wild,
# which a gem installed by bundler has and Debian's packaged puma does not; the agent
# then restarts puma fully, not in phases, when a release's Gemfile.lock differs from
# the one puma started with.
if defined?(Bundler)
  puma_spec = Gem.loaded_specs['puma']
  if puma_spec&.require_paths&.any? { |dir| File.exist?(File.join(puma_spec.full_gem_path, dir, '../bin/puma-wild')) }
    prune_bundler
  else
    warn '[puma.rb] this puma cannot prune the bundle (no bin/puma-wild): a release with other gems gets a full restart'
  end
end
stdout_redirect '{{root}}/shared/log/puma.stdout.log', '{{root}}/shared/log/puma.stderr.log', true
