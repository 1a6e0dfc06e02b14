<sp>
