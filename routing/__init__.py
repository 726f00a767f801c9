"""Who gets offered what: eligibility, ordering and the reasons shown to each parent."""
