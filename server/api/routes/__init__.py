"""One router per resource: scripts (`/run/script`), jobs (`/jobs`, `/runningjobs`, `/killjob`), health."""
