module berth.local/demo

go 1.22
