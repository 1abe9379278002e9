package mongostore

// superviseIndexes are the supervise collections' indexes.
var superviseIndexes = []index{}
