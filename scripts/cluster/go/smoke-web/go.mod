module tracelab.local/cluster/smoke-web

go 1.26
