SELECT review_id, stars, score, votes FROM reviews ORDER BY 1;
