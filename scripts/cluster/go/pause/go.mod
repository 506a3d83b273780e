module tracelab.local/cluster/pause

go 1.26
