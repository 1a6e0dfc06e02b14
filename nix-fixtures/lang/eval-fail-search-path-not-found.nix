<no-such-entry>
