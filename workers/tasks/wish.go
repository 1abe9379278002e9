package tasks

import "github.com/hibiken/asynq"

// Wish task types (rule R3).
const (
	TypeWishExpire = "wish:expire" // reopen wishes whose claim ran out
	// WishExpireCron is how often claims are checked: MongoDB holds each
	// claim's end, so a missed run only delays the reopening.
	WishExpireCron = "@every 10m"
)

// NewWishExpireTask returns the periodic sweep of expired claims.
func NewWishExpireTask() *asynq.Task {
	return asynq.NewTask(TypeWishExpire, nil, asynq.Queue(QueueLow), asynq.MaxRetry(3))
}
