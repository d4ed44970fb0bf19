"""Study programmes: an ordered set of courses (some optional, a minimum of them to complete),
assigned to a unit subtree with a due date, completed once when its rule is met."""
