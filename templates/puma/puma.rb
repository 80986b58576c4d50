# puma for {{app}}. Written by `hms provision`; phased restarts need workers and no preload_app.
directory '{{root}}/current'
environment 'production'
bind 'unix://{{root}}/shared/tmp/sockets/puma.sock'
pidfile '{{root}}/shared/tmp/pids/puma.pid'
state_path '{{root}}/shared/tmp/pids/puma.state'
workers {{workers}}
threads {{minThreads}}, {{maxThreads}}
worker_timeout 60
stdout_redirect '{{root}}/shared/log/puma.stdout.log', '{{root}}/shared/log/puma.stderr.log', true
