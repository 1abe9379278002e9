// Package pairing runs "结对 + 接力" (rules P1–P4) on top of the pure
// solver: pairing policies per county, proposals with explanations,
// confirmation, the relay queue, handovers, coverage and alerts. It is free
// of HTTP and database code: the Service calls a Store that the mongostore
// package implements.
package pairing
