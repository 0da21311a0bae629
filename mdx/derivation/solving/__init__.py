"""`mdx solve`: the stationary point of an affine gradient, in closed form, or a true reason
why not."""
